variable "name" {
  description = "Name prefix of every network resource (the cluster name)."
  type        = string
}

variable "cidr" {
  description = "VPC CIDR block."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.cidr)) && tonumber(split("/", var.cidr)[1]) <= 16
    error_message = "cidr must be a valid IPv4 block of /16 or larger (the subnets are carved as /24 and /20)."
  }
}

variable "az_count" {
  description = "How many availability zones to span (EKS needs subnets in at least two)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2 or 3."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway shared by all private subnets (cheaper; an AZ outage cuts egress for the others) instead of one per AZ."
  type        = bool
  default     = true
}

variable "cluster_name" {
  description = "EKS cluster name used in the kubernetes.io/cluster/<name> subnet tag."
  type        = string
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the flow log group (its policy must let CloudWatch Logs use it)."
  type        = string
}

variable "flow_log_retention_days" {
  description = "CloudWatch retention of the VPC flow logs."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}
