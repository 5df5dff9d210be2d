variable "cluster_name" {
  description = "EKS cluster name."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS Kubernetes minor version. Must be one AWS still lets you create; keep it in standard support (see docs/infrastructure.md)."
  type        = string

  validation {
    # 1.28..1.31 are past the end of extended support (1.28 ended in November 2025): EKS refuses to create them.
    condition     = can(regex("^1\\.[0-9]+$", var.kubernetes_version)) && tonumber(split(".", var.kubernetes_version)[1]) >= 32
    error_message = "kubernetes_version must look like 1.NN and be 1.32 or newer: older versions (such as the seed's 1.28) are out of EKS support and cannot be created."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets for the control plane ENIs and the worker nodes."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "EKS needs subnets in at least two availability zones."
  }
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the public Kubernetes API endpoint."
  type        = list(string)

  validation {
    condition     = length(var.endpoint_public_access_cidrs) > 0 && alltrue([for c in var.endpoint_public_access_cidrs : can(cidrnetmask(c)) && c != "0.0.0.0/0"])
    error_message = "endpoint_public_access_cidrs must be a non-empty list of valid IPv4 CIDRs and must not contain 0.0.0.0/0."
  }
}

variable "node_subnet_ids_by_zone" {
  description = "Private subnet of each availability zone (zone name => subnet id): one managed node group per zone."
  type        = map(string)

  validation {
    condition     = length(var.node_subnet_ids_by_zone) >= 2
    error_message = "node groups are needed in at least two availability zones."
  }
}

variable "node_instance_type" {
  description = "Instance type of every node group."
  type        = string
  default     = "t3a.large"
}

variable "nodes_per_zone_min" {
  description = "Minimum nodes in each zone's group."
  type        = number
  default     = 1
}

variable "nodes_per_zone_desired" {
  description = "Initial nodes in each zone's group (afterwards the Cluster Autoscaler sets it)."
  type        = number
  default     = 1
}

variable "nodes_per_zone_max" {
  description = "Maximum nodes in each zone's group (the Cluster Autoscaler's ceiling)."
  type        = number
  default     = 3
}

variable "node_disk_size_gib" {
  description = "Root volume size of each worker node (gp3, encrypted)."
  type        = number
  default     = 20
}

variable "cluster_admin_principal_arns" {
  description = "IAM principals (roles/users) given cluster-admin through EKS access entries."
  type        = list(string)
  default     = []
}

variable "cluster_log_types" {
  description = "Control plane log types sent to CloudWatch."
  type        = list(string)
  default     = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
}

variable "log_retention_days" {
  description = "CloudWatch retention of the control plane logs (a year: audit trail)."
  type        = number
  default     = 365
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the control plane log group (its policy must let CloudWatch Logs use it)."
  type        = string
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}
